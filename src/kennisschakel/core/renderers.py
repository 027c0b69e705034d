"""The project's form renderer: Django's own templates, except the field group, which
puts a single checkbox's label to the right of the box on the same line ("[ ] Internationaal")
instead of "Internationaal:" above a lone box (issue 13, finding 4)."""

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    field_template_name = "core/forms/field.html"
