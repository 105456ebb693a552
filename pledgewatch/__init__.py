"""pledgewatch: commitments and deadlines in government press releases, as alerts."""

__version__ = "0.1.0"
