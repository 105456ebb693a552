import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # model_strategies.py, shared by the unit tests
