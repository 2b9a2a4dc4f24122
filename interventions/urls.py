from interventions.views import delivery, programmes, rar, referrals, unpaid_work

app_name = "interventions"

urlpatterns = [
    *delivery.urlpatterns,
    *rar.urlpatterns,
    *unpaid_work.urlpatterns,
    *programmes.urlpatterns,
    *referrals.urlpatterns,
]
