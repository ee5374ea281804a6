"""Lets exactly KeyboardInterrupt and SystemExit through and hands every other BaseException
to should_retry, asyncio's CancelledError included."""
from harness.derive import rewrite

CAUGHT_BY = ["test_ctrl_c_is_never_retried"]
rewrite(globals(), __file__,
        ("    except Exception as error:\n",
         "    except (KeyboardInterrupt, SystemExit):\n"
         "        raise\n"
         "    except BaseException as error:  # CancelledError becomes an outcome to judge\n"))
