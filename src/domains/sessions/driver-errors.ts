import { isContainerError } from "../../../drivers/container/errors.ts";
import { AppError } from "../../platform/errors.ts";

/**
 * A container driver call as the platform sees it: a `ContainerError` becomes the `AppError` of
 * the same code and message (the driver's codes are a subset of ERROR_TABLE's), anything else
 * passes through.
 */
export async function engineCall<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw isContainerError(error) ? new AppError(error.code, error.message) : error;
  }
}
