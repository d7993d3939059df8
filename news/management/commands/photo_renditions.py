from django.core.management.base import BaseCommand

from news import services
from news.models import Photo


class Command(BaseCommand):
    help = (
        "Make the renditions each photo lacks (after FCS_PHOTO_WIDTHS changed, or a failed "
        "upload) and drop those no longer wanted. Renditions that exist are kept."
    )

    def handle(self, *args, **options):
        made = photos = 0
        for photo in Photo.objects.order_by("pk").iterator(chunk_size=100):
            count = services.photo_make_renditions(photo=photo)
            made += count
            photos += bool(count)
        self.stdout.write(f"{made} renditions made for {photos} photos.")
