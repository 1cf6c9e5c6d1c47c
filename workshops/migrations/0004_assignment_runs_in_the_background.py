"""Assignment runs are queued and solved by a background task: each run gets a status
(queued, running, done, failed), the reason it failed and when it started and finished. The
solver's own status (optimal, time limit...) moves to `solver_status`. Runs recorded before
this were all finished, so they become `done`."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("workshops", "0003_load_framework")]

    operations = [
        migrations.RenameField("assignmentrun", "status", "solver_status"),
        migrations.AlterField(
            model_name="assignmentrun",
            name="solver_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("optimal", "Proven optimal"),
                    ("near_optimal", "Within the reported gap of the best possible"),
                    ("time_limit", "Stopped at the time limit"),
                    ("empty", "Nobody to assign"),
                ],
                max_length=20,
                verbose_name="solver status",
            ),
        ),
        migrations.AddField(
            model_name="assignmentrun",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Waiting to start"),
                    ("running", "Running"),
                    ("done", "Done"),
                    ("failed", "Failed"),
                ],
                default="done",
                max_length=10,
                verbose_name="status",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="assignmentrun",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Waiting to start"),
                    ("running", "Running"),
                    ("done", "Done"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="assignmentrun",
            name="error",
            field=models.CharField(blank=True, max_length=40, verbose_name="why it failed"),
        ),
        migrations.AddField(
            model_name="assignmentrun",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="started at"),
        ),
        migrations.AddField(
            model_name="assignmentrun",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
        ),
        migrations.AddConstraint(
            model_name="assignmentrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["queued", "running"])),
                fields=("summit",),
                name="one_unfinished_assignment_run_per_summit",
            ),
        ),
    ]
