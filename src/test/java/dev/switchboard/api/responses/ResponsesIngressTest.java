package dev.switchboard.api.responses;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.api.ProxyError;
import dev.switchboard.api.ProxyErrorType;
import dev.switchboard.api.ProxyException;
import dev.switchboard.api.ProxyRequest;
import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.ReasoningOptions;
import dev.switchboard.llm.ResponseFormat;
import dev.switchboard.llm.Role;
import dev.switchboard.llm.ToolChoice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The Responses API request as the neutral request: every field read, every refusal naming its field. */
class ResponsesIngressTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode body(String json) {
        try {
            return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static ProxyRequest parse(String json) {
        return ResponsesIngress.parse(body(json));
    }

    static ProxyError error(String json) {
        ProxyException e = catchThrowableOfType(ProxyException.class, () -> parse(json));
        assertThat(e).as("a ProxyException for " + json).isNotNull();
        assertThat(e.error().type()).isEqualTo(ProxyErrorType.INVALID_REQUEST);
        return e.error();
    }

    @Test
    void aStringInputIsOneUserMessage() {
        ProxyRequest request = parse("{'model':'openai/gpt-4.1','input':'Hi'}");
        ChatRequest chat = request.chat();
        assertThat(chat.model()).isEqualTo("openai/gpt-4.1");
        assertThat(chat.messages()).containsExactly(ChatMessage.user("Hi"));
        assertThat(chat.system()).isEmpty();
        assertThat(chat.tools()).isEmpty();
        assertThat(chat.toolChoice()).isNull();
        assertThat(chat.maxTokens()).isNull();
        assertThat(request.stream()).isFalse();
        assertThat(request.routing().model()).isEqualTo("openai/gpt-4.1");
    }

    @Test
    void everySettingIsRead() {
        ProxyRequest request = parse("""
                {'model':'openai/gpt-4.1','instructions':'Be brief.','input':[
                  {'role':'developer','content':'Answer in French.'},
                  {'type':'message','role':'user','content':[{'type':'input_text','text':'Look'},
                     {'type':'input_image','image_url':'data:image/png;base64,iVBORw0KGgo=','detail':'auto'}]}],
                 'tools':[{'type':'function','name':'get_weather','description':'Weather','strict':true,
                     'parameters':{'type':'object','properties':{'city':{'type':'string'}}}}],
                 'tool_choice':{'type':'function','name':'get_weather'},'parallel_tool_calls':false,
                 'max_output_tokens':300,'temperature':0.5,'top_p':0.9,'stream':true,'store':false,
                 'text':{'format':{'type':'json_schema','name':'answer','schema':{'type':'object'},'strict':true}},
                 'reasoning':{'effort':'low','summary':'auto'},'metadata':{'team':'a'},'user':'u-1',
                 'include':['reasoning.encrypted_content'],'truncation':'disabled','service_tier':'auto'}""");
        ChatRequest chat = request.chat();
        assertThat(chat.system()).containsExactly(ContentPart.Text.of("Be brief."),
                ContentPart.Text.of("Answer in French."));
        assertThat(chat.messages()).singleElement().satisfies(m -> {
            assertThat(m.role()).isEqualTo(Role.USER);
            assertThat(m.content()).containsExactly(ContentPart.Text.of("Look"),
                    ContentPart.Image.inline("image/png", "iVBORw0KGgo="));
        });
        assertThat(chat.tools()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("get_weather");
            assertThat(t.description()).isEqualTo("Weather");
            assertThat(t.strict()).isTrue();
            assertThat(t.parameters().path("properties").has("city")).isTrue();
        });
        assertThat(chat.toolChoice()).isEqualTo(new ToolChoice.Named("get_weather"));
        assertThat(chat.maxTokens()).isEqualTo(300);
        assertThat(chat.temperature()).isEqualTo(0.5);
        assertThat(chat.topP()).isEqualTo(0.9);
        assertThat(chat.responseFormat()).isInstanceOfSatisfying(ResponseFormat.JsonSchema.class, f -> {
            assertThat(f.name()).isEqualTo("answer");
            assertThat(f.strict()).isTrue();
        });
        assertThat(chat.reasoning()).isEqualTo(new ReasoningOptions(ReasoningOptions.Effort.LOW, null, false));
        assertThat(chat.metadata()).isEqualTo(Map.of("team", "a"));
        assertThat(chat.user()).isEqualTo("u-1");
        assertThat(request.stream()).isTrue();
    }

    @Test
    void aToolRoundTripBecomesCallsAndResults() {
        ChatRequest chat = parse("""
                {'model':'m/x','tools':[{'type':'function','name':'f','parameters':{'type':'object'}}],'input':[
                  {'role':'user','content':'Weather in Paris and Rome?'},
                  {'type':'message','role':'assistant','id':'msg_1','status':'completed',
                     'content':[{'type':'output_text','text':'Looking.','annotations':[]}]},
                  {'type':'function_call','id':'fc_1','call_id':'call_a','name':'f','arguments':'{\\"city\\":\\"Paris\\"}'},
                  {'type':'function_call','call_id':'call_b','name':'f','arguments':''},
                  {'type':'reasoning','id':'rs_1','summary':[]},
                  {'type':'function_call_output','call_id':'call_a','output':'sunny'},
                  {'type':'function_call_output','call_id':'call_b',
                     'output':[{'type':'input_text','text':'rain'}]},
                  {'role':'user','content':'Thanks'}]}""").chat();
        assertThat(chat.messages()).extracting(ChatMessage::role).containsExactly(Role.USER, Role.ASSISTANT,
                Role.USER);
        assertThat(chat.messages().get(1).content()).containsExactly(ContentPart.Text.of("Looking."),
                new ContentPart.ToolCall("call_a", "f", "{\"city\":\"Paris\"}"),
                new ContentPart.ToolCall("call_b", "f", "{}"));
        assertThat(chat.messages().get(2).content()).containsExactly(
                new ContentPart.ToolResult("call_a", List.of(ContentPart.Text.of("sunny")), false),
                new ContentPart.ToolResult("call_b", List.of(ContentPart.Text.of("rain")), false),
                ContentPart.Text.of("Thanks"));
        assertThat(chat.toolChoice()).isEqualTo(new ToolChoice.Auto(true));
    }

    @Test
    void theStatelessFeaturesAreRefusedNamingTheirField() {
        ProxyError previous = error("{'model':'m/x','input':'Hi','previous_response_id':'resp_123'}");
        assertThat(previous.param()).isEqualTo("previous_response_id");
        assertThat(previous.message()).contains("stateless").contains("'input'");
        ProxyError store = error("{'model':'m/x','input':'Hi','store':true}");
        assertThat(store.param()).isEqualTo("store");
        assertThat(store.message()).contains("does not store responses").contains("\"store\": false");
        assertThat(error("{'model':'m/x','input':'Hi','conversation':'conv_1'}").param()).isEqualTo("conversation");
        assertThat(error("{'model':'m/x','input':'Hi','background':true}").param()).isEqualTo("background");
        assertThat(error("{'model':'m/x','input':'Hi','prompt':{'id':'pmpt_1'}}").param()).isEqualTo("prompt");
        assertThat(error("{'model':'m/x','input':'Hi','truncation':'auto'}").param()).isEqualTo("truncation");
        assertThat(error("{'model':'m/x','input':[{'type':'item_reference','id':'msg_1'}]}").param())
                .isEqualTo("input[0].type");
        // what a stateless gateway does anyway is fine to ask for
        assertThat(parse("{'model':'m/x','input':'Hi','store':false,'previous_response_id':null}").chat()
                .messages()).hasSize(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "web_search|tools[0].type",
            "web_search_preview|tools[0].type",
            "file_search|tools[0].type",
            "computer_use_preview|tools[0].type",
            "code_interpreter|tools[0].type",
            "mcp|tools[0].type"})
    void builtInToolsAreRefusedByName(String type, String param) {
        ProxyError e = error("{'model':'m/x','input':'Hi','tools':[{'type':'" + type + "'}]}");
        assertThat(e.param()).isEqualTo(param);
        assertThat(e.message()).contains("'" + type + "'").contains("built-in");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'input':'Hi'}|model",
            "{'model':'m/x'}|input",
            "{'model':'m/x','input':[]}|input",
            "{'model':'m/x','input':[{'role':'system','content':'Only rules'}]}|input",
            "{'model':'m/x','input':[{'role':'tool','content':'x'}]}|input[0].role",
            "{'model':'m/x','input':[{'content':'x'}]}|input[0].type",
            "{'model':'m/x','input':[{'type':'web_search_call','id':'ws_1'}]}|input[0].type",
            "{'model':'m/x','input':[{'role':'user','content':[{'type':'input_file','file_id':'f'}]}]}"
                    + "|input[0].content[0].type",
            "{'model':'m/x','input':[{'role':'user','content':[{'type':'input_image','file_id':'f'}]}]}"
                    + "|input[0].content[0].file_id",
            "{'model':'m/x','input':[{'role':'user','content':[{'type':'input_image',"
                    + "'image_url':'ftp://x'}]}]}|input[0].content[0].image_url",
            "{'model':'m/x','input':[{'type':'function_call','name':'f','arguments':'{}'}]}|input[0].call_id",
            "{'model':'m/x','input':[{'type':'function_call_output','call_id':'c'}]}|input[0].output",
            "{'model':'m/x','input':'Hi','tools':[{'type':'function'}]}|tools[0].name",
            "{'model':'m/x','input':'Hi','tools':[{'type':'function','name':'a b'}]}|tools[0].name",
            "{'model':'m/x','input':'Hi','tool_choice':'required'}|tool_choice",
            "{'model':'m/x','input':'Hi','tools':[{'type':'function','name':'f'}],"
                    + "'tool_choice':{'type':'function','name':'g'}}|tool_choice.name",
            "{'model':'m/x','input':'Hi','tools':[{'type':'function','name':'f'}],"
                    + "'tool_choice':{'type':'web_search'}}|tool_choice.type",
            "{'model':'m/x','input':'Hi','max_output_tokens':0}|max_output_tokens",
            "{'model':'m/x','input':'Hi','temperature':3}|temperature",
            "{'model':'m/x','input':'Hi','text':{'format':{'type':'json_schema','schema':{}}}}|text.format.name",
            "{'model':'m/x','input':'Hi','text':{'format':{'type':'yaml'}}}|text.format.type",
            "{'model':'m/x','input':'Hi','reasoning':{'effort':'max'}}|reasoning.effort",
            "{'model':'m/x','input':'Hi','metadata':{'a':1}}|metadata.a",
            "{'model':'m/x','input':'Hi','include':[1]}|include[0]",
            "{'model':'m/x','input':'Hi','instructions':['x']}|instructions",
            "{'model':'m/x','input':'Hi','stream':'yes'}|stream"})
    void badInputNamesItsField(String json, String param) {
        assertThat(error(json).param()).isEqualTo(param);
    }

    @Test
    void jsonModesAndEffortsMapToTheNeutralRequest() {
        assertThat(parse("{'model':'m/x','input':'Hi','text':{'format':{'type':'json_object'}}}").chat()
                .responseFormat()).isEqualTo(new ResponseFormat.JsonObject());
        assertThat(parse("{'model':'m/x','input':'Hi','text':{'verbosity':'low'}}").chat().responseFormat())
                .isNull();
        assertThat(parse("{'model':'m/x','input':'Hi','reasoning':{'effort':'none'}}").chat().reasoning()).isNull();
        assertThat(parse("{'model':'m/x','input':'Hi','reasoning':{'effort':'xhigh'}}").chat().reasoning()
                .effort()).isEqualTo(ReasoningOptions.Effort.HIGH);
    }

    @Test
    void theEchoRepeatsWhatWasApplied() {
        ResponsesEcho echo = ResponsesEcho.of(parse("""
                {'model':'m/x','input':'Hi','instructions':'Be brief.','temperature':0.2,'max_output_tokens':50,
                 'tools':[{'type':'function','name':'f','parameters':{'type':'object'}}],'metadata':{'k':'v'}}"""));
        assertThat(echo.instructions()).isEqualTo("Be brief.");
        assertThat(echo.temperature()).isEqualTo(0.2);
        assertThat(echo.topP()).isNull();
        assertThat(echo.maxOutputTokens()).isEqualTo(50);
        assertThat(echo.toolChoice().asText()).isEqualTo("auto");
        assertThat(echo.parallelToolCalls()).isTrue();
        assertThat(echo.tools().get(0).path("strict").asBoolean(true)).isFalse();
        assertThat(echo.text().path("format").path("type").asText()).isEqualTo("text");
        assertThat(echo.metadata().path("k").asText()).isEqualTo("v");
    }
}
