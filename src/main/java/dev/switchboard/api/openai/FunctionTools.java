package dev.switchboard.api.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.ToolDefinition;

import java.util.Set;
import java.util.regex.Pattern;

import static dev.switchboard.api.openai.JsonFields.bool;
import static dev.switchboard.api.openai.JsonFields.invalid;
import static dev.switchboard.api.openai.JsonFields.object;
import static dev.switchboard.api.openai.JsonFields.requiredString;
import static dev.switchboard.api.openai.JsonFields.string;

/**
 * A function tool as OpenAI's APIs declare it: nested under {@code function} in Chat Completions, flattened into the
 * tool in the Responses API, with the same fields and the same rules either way.
 */
public final class FunctionTools {

    /** OpenAI's rule for function names, in tools and in a named tool_choice. */
    public static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

    private FunctionTools() {
    }

    /**
     * @param function the object holding {@code name}, {@code description}, {@code parameters} and {@code strict}
     * @param param    where that object is in the request, for the errors ({@code tools[0].function})
     * @param names    the names of the tools read so far: a second tool of the same name is an error
     */
    public static ToolDefinition read(ObjectNode function, String param, Set<String> names) {
        String name = requiredString(function.get("name"), param + ".name");
        if (!NAME.matcher(name).matches()) {
            throw invalid(param + ".name", "'" + name + "' is not a valid function name: use 1 to 64 letters, "
                    + "digits, underscores or dashes (^[a-zA-Z0-9_-]{1,64}$).");
        }
        if (!names.add(name)) {
            throw invalid(param + ".name", "another tool is already named '" + name + "'. Tool names must be "
                    + "unique.");
        }
        String description = string(function.get("description"), param + ".description");
        ObjectNode parameters = object(function.get("parameters"), param + ".parameters");
        Boolean strict = bool(function.get("strict"), param + ".strict");
        return new ToolDefinition(name, description, parameters, Boolean.TRUE.equals(strict));
    }
}
