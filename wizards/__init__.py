from . import email_distribution_recipient_import
from . import account_move_send_wizard
