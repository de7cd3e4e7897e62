from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "vpm.patients"
    label = "patients"

    def ready(self):
        from .merge_registry import register_patient_reference
        from .services import contact_points_resolve_merge_clash, insurances_resolve_merge_clash

        register_patient_reference("patients.ContactPoint",
                                   before_move=contact_points_resolve_merge_clash)
        register_patient_reference("patients.ContactAttempt")
        register_patient_reference("patients.IdentityCheck")
        register_patient_reference("patients.Insurance", before_move=insurances_resolve_merge_clash)
        register_patient_reference("patients.ContactVerification")
        # The queue and notify are core too; their rows about the patient follow the person.
        register_patient_reference("queue.WorkItem")
        register_patient_reference("notify.OutboundMessage")
