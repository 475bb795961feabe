export const LOG_PI = Math.log(Math.PI);
