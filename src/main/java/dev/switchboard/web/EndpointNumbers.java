package dev.switchboard.web;

import java.time.Instant;

/** The live numbers of one endpoint on the model detail page; nulls mean "no data". */
public record EndpointNumbers(
        Double ttftP50,
        Double ttftP90,
        long ttftSamples,
        Double decodeP50,
        Double decodeP90,
        long decodeSamples,
        Double e2eP50,
        Uptime lastHour,
        Uptime lastDay,
        Uptime lastWeek,
        Uptime lastMonth,
        Double tokensPerMinute,
        Instant lastSample) {

    public static final EndpointNumbers NO_DATA = new EndpointNumbers(null, null, 0, null, null, 0, null,
            Uptime.NONE, Uptime.NONE, Uptime.NONE, Uptime.NONE, null, null);
}
