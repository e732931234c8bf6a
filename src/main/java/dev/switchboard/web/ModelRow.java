package dev.switchboard.web;

import dev.switchboard.catalog.CatalogModel;
import dev.switchboard.stats.EndpointStats;

import java.math.BigDecimal;

/** One model on the Models page, with the numbers its row shows. */
public record ModelRow(CatalogModel model, EndpointStats live) {

    /** Input price across its providers: "$3" or "$0.59–$0.90". */
    public String inputPrices() {
        return range(model.minInputPrice(), model.maxInputPrice());
    }

    public String outputPrices() {
        return range(model.minOutputPrice(), model.maxOutputPrice());
    }

    /** "text, image → text" */
    public String modalities() {
        return String.join(", ", model.inputModalities()) + " → " + String.join(", ", model.outputModalities());
    }

    public int providerCount() {
        return model.endpoints().size();
    }

    private static String range(BigDecimal min, BigDecimal max) {
        return min.compareTo(max) == 0 ? Formats.price(min) : Formats.price(min) + "–" + Formats.price(max);
    }
}
