package dev.tessera.gateway.service;

/**
 * Why one event of a request was refused.
 *
 * @param index the event's position in the request, from 0
 * @param field the offending field, or null when the event as a whole is wrong
 */
public record Violation(int index, String field, String reason) {}
