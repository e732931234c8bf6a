/**
 * Amazon Bedrock Converse and ConverseStream JSON, in AWS's own member names. A Converse union (a content block, a
 * tool choice, a stream delta) is a record whose members are all optional and of which exactly one is set, which is
 * how the JSON looks. Nothing outside {@code providers.bedrock} imports these.
 */
package dev.switchboard.providers.bedrock.wire;
