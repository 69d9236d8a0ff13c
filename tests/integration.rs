
mod formats_chat;
