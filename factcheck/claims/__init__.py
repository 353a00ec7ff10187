"""Claims: detecting check-worthy claims in articles (pure logic lives in ``detection``)."""
