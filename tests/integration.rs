mod formats_calls;
