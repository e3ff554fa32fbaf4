//! izinkes service
