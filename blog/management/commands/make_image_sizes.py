from django.core.management.base import BaseCommand

from blog import renditions
from blog.models import Image


class Command(BaseCommand):
    help = "Make the sizes (blog/renditions.py) of images stored before sizes were made."

    def handle(self, *args, **options):
        made = 0
        for image in Image.objects.filter(renditions=[]).iterator():
            with image.file.open("rb") as stored:
                data = stored.read()
            image.renditions = renditions.make(image, data)
            if image.renditions:
                Image.objects.filter(pk=image.pk).update(renditions=image.renditions)
                made += 1
        self.stdout.write(f"Made the sizes of {made} image{'s' if made != 1 else ''}.")
