EVENTS: list = []
