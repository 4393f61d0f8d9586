"""The client pin (`pin_request`, regulation §5.1, R-PIN): its rules, pre-pin to yearly reports."""
