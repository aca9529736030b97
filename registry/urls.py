from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.activity_list, name="activity-list"),
    path("activities/new/", views.activity_edit, name="activity-create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("import/", views.activity_import, name="activity-import"),
    path("organizations/", views.organization_list, name="organization-list"),
    path(
        "organizations/new/",
        views.directory_edit,
        {"kind": "organization"},
        name="organization-create",
    ),
    path("organizations/<int:pk>/", views.organization_detail, name="organization-detail"),
    path(
        "organizations/<int:pk>/edit/",
        views.directory_edit,
        {"kind": "organization"},
        name="organization-edit",
    ),
    path("solutions/", views.solution_list, name="solution-list"),
    path("solutions/new/", views.directory_edit, {"kind": "solution"}, name="solution-create"),
    path("solutions/<int:pk>/", views.solution_detail, name="solution-detail"),
    path(
        "solutions/<int:pk>/edit/",
        views.directory_edit,
        {"kind": "solution"},
        name="solution-edit",
    ),
    path("forums/", views.forum_list, name="forum-list"),
    path("forums/<str:code>/", views.forum_detail, name="forum-detail"),
    path("assistance/", views.assistance_source_list, name="assistance-source-list"),
    path(
        "assistance/new/",
        views.directory_edit,
        {"kind": "assistance_source"},
        name="assistance-source-create",
    ),
    path("assistance/<int:pk>/", views.assistance_source_detail, name="assistance-source-detail"),
    path(
        "assistance/<int:pk>/edit/",
        views.directory_edit,
        {"kind": "assistance_source"},
        name="assistance-source-edit",
    ),
]
