"""The loyalty state capmock plays scenarios against."""
