package dev.tessera.job.training;

/**
 * A row of a training set's spine: an entity id and the moment its features are asked as of.
 *
 * @param row the row's position in the spine, which the training set keeps
 * @param time epoch millis
 */
public record SpineRow(long row, String entityId, long time) {}
