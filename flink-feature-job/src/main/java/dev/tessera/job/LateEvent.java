package dev.tessera.job;

/**
 * An event that arrived after the window it belongs to had closed, so it is counted in no feature
 * value.
 *
 * @param group the feature group whose window had closed
 * @param reason why it is late, for people: the window and the watermark that closed it
 */
public record LateEvent(StreamEvent event, String group, String reason) {}
