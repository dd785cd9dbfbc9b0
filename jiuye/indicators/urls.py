from django.urls import path

from jiuye.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.stats_home, name="home"),
    path("indicators/", views.catalogue_list, name="catalogue"),
    path("indicators/params/", views.params_edit, name="params"),
    path("entered/", views.entered_list, name="entered"),
    path("periods/", views.period_list, name="periods"),
    path("periods/lock/", views.period_lock, name="period_lock"),
    path("map/upload/", views.boundary_upload, name="boundary_upload"),
    path("<str:code>/", views.dashboard, name="dashboard"),
    path("<str:code>/export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("<str:code>/drill/", views.drilldown, name="drilldown"),
    path("<str:code>/targets/", views.target_list, name="targets"),
    path("<str:code>/targets/split/", views.target_split, name="target_split"),
]
