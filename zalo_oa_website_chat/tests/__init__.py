from . import test_website_chat
