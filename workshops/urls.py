api_urlpatterns = []
urlpatterns = []
