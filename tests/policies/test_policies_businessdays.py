from datetime import date

import pytest

from helpdesk.policies.businessdays import add_business_days, is_business_day

FRIDAY = date(2025, 6, 6)


def test_weekends_are_skipped():
    assert add_business_days(FRIDAY, 1) == date(2025, 6, 9)
    assert add_business_days(FRIDAY, 5) == date(2025, 6, 13)
    assert add_business_days(date(2025, 6, 7), 1) == date(2025, 6, 9)  # from a Saturday


def test_zero_days_is_the_start():
    assert add_business_days(date(2025, 6, 7), 0) == date(2025, 6, 7)


def test_holidays_are_skipped():
    assert add_business_days(FRIDAY, 1, holidays={date(2025, 6, 9)}) == date(2025, 6, 10)
    assert not is_business_day(date(2025, 6, 9), {date(2025, 6, 9)})


def test_negative_days_refused():
    with pytest.raises(ValueError):
        add_business_days(FRIDAY, -1)
