from . import test_cadence, test_first_contact, test_grading, test_lead_misc, test_tour
