from django.http import HttpResponse
from django.views.decorators.http import require_POST


@require_POST
def post_comment(request, post_id):
    return HttpResponse("Comments are not accepted yet.", status=503, content_type="text/plain")
