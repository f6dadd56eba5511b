from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("post/<int:post_id>/", views.post_comment, name="post"),
    path("edit/<int:comment_id>/", views.edit_comment, name="edit"),
    path("report/<int:comment_id>/", views.report_comment, name="report"),
]
