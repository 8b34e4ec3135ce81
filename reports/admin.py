from django.contrib import admin

from .models import ParticipantProfile


@admin.register(ParticipantProfile)
class ParticipantProfileAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "gender", "professional_role"]
    list_filter = ["gender", "professional_role"]
    raw_id_fields = ["enrolment"]
