"""`awsmfa exec PROFILE --server -- COMMAND`: credentials that refresh themselves.

awsmfa stays as COMMAND's parent and serves the profile's credentials on a loopback
container-credentials endpoint; every AWS SDK in COMMAND asks again before they expire.
"""
