from . import res_company
from . import res_config_settings
from . import crm_grading_criterion
from . import crm_grading_criterion_option
from . import crm_lead_grading_line
from . import crm_lead
from . import mail_activity_type
from . import mail_activity_plan
