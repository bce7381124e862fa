from . import test_grading
from . import test_first_contact
from . import test_cadence
from . import test_lead_misc
from . import test_tour
