from django.urls import path

from sco import views

app_name = "sco"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("summits/<slug:slug>/", views.SummitDetailView.as_view(), name="summit-detail"),
]
