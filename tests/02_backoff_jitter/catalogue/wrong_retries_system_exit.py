"""Catches BaseException and lets only KeyboardInterrupt through: SystemExit is retried."""
from harness.derive import rewrite

CAUGHT_BY = ["test_ctrl_c_is_never_retried"]
rewrite(globals(), __file__,
        ("    except Exception as error:\n",
         "    except KeyboardInterrupt:\n"
         "        raise\n"
         "    except BaseException as error:  # SystemExit becomes an outcome to judge\n"))
