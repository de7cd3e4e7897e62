"""SMS backends the worker process of a fault test loads by dotted path (SMS_BACKEND)."""

import time
import uuid

SLOW_NUMBER = "+13125550199"


class SlowSMS:
    """Takes two seconds for SLOW_NUMBER, so a test can stop Redis while that send is
    in flight; instant for any other number."""

    def send(self, *, to, body):
        if to == SLOW_NUMBER:
            time.sleep(2)
        return f"slow-{uuid.uuid4()}"
