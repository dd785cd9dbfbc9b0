from django.urls import path

from jiuye.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_browse, name="browse"),
    path("picker/", views.region_picker, name="picker"),
    path("<str:code>/", views.region_detail, name="detail"),
    path("<str:code>/children/", views.region_children_fragment, name="children"),
    path("<str:code>/zones/new/", views.zone_create, name="zone_create"),
]
