from enforcement.views import breach, compliance, court_portal, recall

app_name = "enforcement"

urlpatterns = [*compliance.urlpatterns, *breach.urlpatterns, *court_portal.urlpatterns, *recall.urlpatterns]
