"""The API's pagination: `?limit=` and `?offset=`, as DRF's LimitOffsetPagination, with the page
size capped. Without a cap a limit beyond a bigint reached the database (a 500), and a huge one
made one request load a whole summit."""

from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 1000


class Pagination(LimitOffsetPagination):
    # An offset past the last row needs no cap: the page is empty before any query is made.
    max_limit = MAX_LIMIT
