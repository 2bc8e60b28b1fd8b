import logging

from config.logging import ScrubRequestDetails


def make_record(msg: str, *args) -> logging.LogRecord:
    return logging.LogRecord("django.server", logging.INFO, __file__, 1, msg, args, None)


def test_a_request_line_loses_its_query_string_and_client_address():
    record = make_record(
        '"%s" %s %s from %s',
        "GET /es/buscar?q=albergue+trata&place=Cucuta HTTP/1.1",
        200,
        512,
        "203.0.113.9",
    )
    ScrubRequestDetails().filter(record)
    message = record.getMessage()
    assert "albergue" not in message
    assert "Cucuta" not in message
    assert "203.0.113.9" not in message
    assert '"GET /es/buscar HTTP/1.1" 200 512' in message


def test_the_server_loggers_handler_scrubs_what_the_development_server_logs():
    logger = logging.getLogger("django.server")
    record = make_record('"%s" %s %s', "GET /en/?q=secret-term HTTP/1.1", "200", "10")
    for handler in logger.handlers:
        for log_filter in handler.filters:
            log_filter.filter(record)
    assert logger.handlers, "django.server must log through the configured handler"
    assert "secret-term" not in record.getMessage()
