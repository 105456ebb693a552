"""``faststream run services.classifier.app:app`` runs the classifier alone."""

from services.common.standalone import standalone_app

from .service import ClassifierService

app = standalone_app(lambda settings: [ClassifierService(settings)], title="pledgewatch classifier")
