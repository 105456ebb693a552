"""``faststream run services.ingest.app:app`` runs ingest alone."""

from services.common.standalone import standalone_app

from .config import SourcesError
from .service import IngestService

app = standalone_app(lambda settings: [IngestService(settings)], title="pledgewatch ingest",
                     file_errors={SourcesError: "PLEDGEWATCH_SOURCES"})
