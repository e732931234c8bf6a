/**
 * OpenAI Chat Completions wire records, in OpenAI's own names and field names. Only the openai package uses them.
 * Writing leaves out nulls (hosts differ in which parameters they accept, so we send only what was asked); reading
 * ignores unknown fields, and fields that hosts fill in different shapes (content as a string or a list of parts,
 * reasoning as a string or an object) are read as JSON trees.
 */
package dev.switchboard.providers.openai.wire;
