"""The access matrix over this app's routes (see ``jiuye.core.tests.matrix``)."""

from jiuye.core.tests.matrix import access_tests
from jiuye.programs.tests.routes import ROUTES, TARGETS

world, test_anonymous_visitor_gets_login_page_or_401, test_owner_neighbour_and_lower_role = access_tests(
    ROUTES, TARGETS
)
