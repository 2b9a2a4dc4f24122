from enforcement.views import compliance

app_name = "enforcement"

urlpatterns = [*compliance.urlpatterns]
