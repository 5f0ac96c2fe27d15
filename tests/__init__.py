from . import test_bounces
from . import test_formats
from . import test_import_wizard
from . import test_recipient
from . import test_security
from . import test_sending
from . import test_settings
from . import test_tour
