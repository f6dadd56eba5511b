from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("post/<int:post_id>/", views.post_comment, name="post"),
    path("edit/<int:comment_id>/", views.edit_comment, name="edit"),
    path("report/<int:comment_id>/", views.report_comment, name="report"),
    path("delete/<int:comment_id>/", views.delete_comment, name="delete"),
]
