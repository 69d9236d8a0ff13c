mod formats_email;
