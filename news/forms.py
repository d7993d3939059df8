"""Admin form pieces: the rich-text editor's configuration and the photo upload field."""

from django import forms
from django_prose_editor.widgets import AdminProseEditorWidget

from . import images
from .models import Photo

# What editors may do in the body and the "To take note" box. The server-side allow-list in
# news/html.py is what counts (it runs on every save, whatever the browser sent); this only
# keeps the toolbar to what that allow-list keeps.
RICH_TEXT_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": {"enableListAttributes": False},
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "HardBreak": True,
    "History": True,
}
RICH_TEXT_FIELDS = ("body", "note")


def rich_text_widget() -> AdminProseEditorWidget:
    return AdminProseEditorWidget(
        config={"extensions": RICH_TEXT_EXTENSIONS}, preset="configurable"
    )


class PhotoUploadField(forms.FileField):
    """A file field that accepts only what `images.clean_upload` accepts, and hands on the
    cleaned, re-encoded file under a random name instead of the upload."""

    ACCEPT = "image/jpeg,image/png,image/webp"

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = self.ACCEPT
        return attrs

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return images.clean_upload(upload).file


class PhotoAdminForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["image", "alt", "caption", "credit", "decorative"]
        field_classes = {"image": PhotoUploadField}
