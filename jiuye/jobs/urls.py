from django.urls import path

from jiuye.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.posting_list, name="posting_list"),
    path("new/", views.posting_create, name="posting_create"),
    path("<int:pk>/", views.posting_detail, name="posting_detail"),
    path("<int:pk>/edit/", views.posting_edit, name="posting_edit"),
    path("seekers/<int:person_pk>/", views.seeker_edit, name="seeker_edit"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/new/", views.referral_create, name="referral_create"),
    path("referrals/<int:pk>/stage/", views.referral_stage, name="referral_stage"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/postings/", views.event_add_posting, name="event_add_posting"),
    path("events/<int:pk>/refer/", views.event_refer, name="event_refer"),
    path("internships/", views.internship_list, name="internship_list"),
    path("internships/posts/", views.internship_post_create, name="internship_post_create"),
    path("internships/start/", views.internship_start, name="internship_start"),
    path("internships/<int:pk>/end/", views.internship_end, name="internship_end"),
    path("board/", views.board, name="board"),
    path("board/<int:pk>/", views.board_detail, name="board_detail"),
]
